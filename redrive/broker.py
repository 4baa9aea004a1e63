"""kombu's file-system transport (the broker of `make run`), with each message
written whole before a worker can see it.

kombu 5's `_put` creates `<n>_<uuid>.<queue>.msg` and then writes into it,
while `_get` moves away any file with that name without taking the writer's
lock: a worker polling at the wrong moment takes an empty file, fails to decode
it, and the submission waits for the sweep's re-dispatch minutes later. The
faster a worker polls (settings: polling_interval), the likelier. Here the
message is written under another name (which `_get` skips: it takes only names
whose part after the first dot is `<queue>.msg`) and renamed into place, which
is atomic within a folder.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ALIAS = "redrivefs"  # the broker URL's scheme: redrivefs://


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".partial"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
