"""``demo_setup [--reset] [--reload-course]``: prepare the demo (migrate, course, admin, seeded learners).

Idempotent: `make demo` runs it before every start. ``--reset`` recreates the demo learners with their seeded
progress; ``--reload-course`` reloads the course OLX (Studio edits made in the demo are lost).
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the demo: migrate, load the demo course, create the admin (admin/admin) and seeded learners."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Recreate the demo learners and their progress.")
        parser.add_argument("--reload-course", action="store_true", help="Reload the demo course's OLX.")

    def handle(self, *args, reset=False, reload_course=False, **options):
        from credential_admin import conf
        from credential_admin.demo.seed import setup_demo

        call_command("migrate", interactive=False, verbosity=0)
        setup_demo(reset=reset, reload_course=reload_course, say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {conf.base_url()}/ (admin: admin / admin)."))
