from coursefiles.yamlfile import YamlError, parse_yaml


def split_front_matter(text: str):
    """Split `---` YAML front matter from a Markdown body.

    Returns (data, body, body_first_line). Raises YamlError when the front
    matter is missing, unterminated or not valid YAML.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise YamlError(1, "file must start with '---' front matter (id, slug, title, ...)")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            data = parse_yaml("".join(lines[1:index]), first_line=2)
            return data, "".join(lines[index + 1 :]), index + 2
    raise YamlError(1, "front matter starting at line 1 has no closing '---'")
