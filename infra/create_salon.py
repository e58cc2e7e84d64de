"""Create a salon and its first owner in a deployed stack (or in the local runtime's table).

    uv run python infra/create_salon.py --table <TableName> --user-pool <UserPoolId> \
        --id my-salon --name "Studio Anna" --timezone Europe/Berlin --currency EUR \
        --country DE --locale de --admin-email owner@example.com

Uses the caller's AWS credentials (cognito-idp:AdminCreateUser and AdminGetUser on the pool, and
the table). The owner is invited as the admin API invites a colleague: Cognito e-mails a temporary
password, and the owner is put on the salon's team (the audit trail says "admin:setup"). The salon id
is an immutable attribute of the user, and every admin request is confined to it. Running it again
for the same salon and owner changes nothing.
"""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from regulars.core import clock
from regulars.core.errors import Conflict
from regulars.salon import repo as catalog
from regulars.salon.model import Salon
from regulars.store.base import Entity, bind_table


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--table", required=True)
    p.add_argument("--user-pool")
    p.add_argument("--id", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--timezone", required=True)
    p.add_argument("--currency", required=True)
    p.add_argument("--country", required=True)
    p.add_argument("--locale", default="en")
    p.add_argument("--admin-email")
    args = p.parse_args()
    ZoneInfo(args.timezone)  # fails early on a typo
    bind_table(args.table)
    Entity._connection = None
    now = clock.now()
    try:
        catalog.create_salon(
            Salon(
                id=args.id,
                name=args.name,
                timezone=args.timezone,
                currency=args.currency.upper(),
                locale=args.locale,
                country=args.country.upper(),
            ),
            now,
        )
        print(f"salon {args.id} created")
    except Conflict:
        print(f"salon {args.id} exists already")
    if args.user_pool and args.admin_email:
        import boto3
        from regulars.team import service
        from regulars.team.directory import Directory
        from regulars.team.policy import Role

        owner, invited = service.invite(
            args.id,
            email=args.admin_email,
            role=Role.OWNER,
            staff_id=None,
            by="admin:setup",
            now=now,
            directory=Directory(boto3.client("cognito-idp"), args.user_pool),
        )
        print(
            f"owner {owner.email} {'invited' if invited else 'was on the team already'} (user {owner.user_id})"
        )


if __name__ == "__main__":
    main()
