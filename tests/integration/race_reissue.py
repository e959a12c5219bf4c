"""One side of the reissue race (tests/integration/test_lifecycle_race.py), run as its own process:
``python -m tests.integration.race_reissue CREDENTIAL_PK START_AT``. Waits until the wall clock reaches START_AT
(so that both sides call at the same moment), reissues the credential through the lifecycle API and prints the
outcome as JSON: {"new": pk} or {"refused": message}."""
import json
import sys
import time

import django


def main(credential_pk: int, start_at: float) -> None:
    django.setup()
    from credential_admin.issuing import lifecycle
    from credential_admin.models import Credential

    credential = Credential.objects.select_related("config").get(pk=credential_pk)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        new = lifecycle.reissue(credential, actor=lifecycle.Actor.system("race"), force=True)
    except lifecycle.LifecycleError as exc:
        print(json.dumps({"refused": str(exc)}))
        return
    print(json.dumps({"new": new.pk}))


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))
