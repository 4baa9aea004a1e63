from classes.models.classes import Assignment, ClassMembership, Classroom, UserTimezone

__all__ = ["Assignment", "ClassMembership", "Classroom", "UserTimezone"]
