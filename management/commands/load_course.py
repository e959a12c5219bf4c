"""``load_course <folder> [--course-key KEY]``: load a course's OLX and grading policy into the standalone runtime.

Reloading the same course replaces its content and keeps learners' state. Exit 2 on bad arguments or a course
that cannot be loaded (nothing is changed then).
"""
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load a course folder (course.xml + grading policy) into the standalone runtime (demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder holding course.xml and grading_policy.json")
        parser.add_argument("--course-key", help="Course key to use instead of the one course.xml names")

    def handle(self, *args, folder, course_key=None, **options):
        from credential_admin.standalone.loader import load_course_folder
        from credential_admin.standalone.runtime import LoadError

        try:
            course = load_course_folder(folder, course_key)
        except LoadError as exc:
            raise CommandError(str(exc), returncode=2) from None
        units = sum(len(seq["units"]) for chapter in course.structure["chapters"] for seq in chapter["sequentials"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {course.course_key} ({course.title}): {units} units."))
