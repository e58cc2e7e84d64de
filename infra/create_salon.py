"""Create a salon and its first admin in a deployed stack (or in the local runtime's table).

    uv run python infra/create_salon.py --table <TableName> --user-pool <UserPoolId> \
        --id my-salon --name "Studio Anna" --timezone Europe/Berlin --currency EUR \
        --country DE --locale de --admin-email owner@example.com

Uses the caller's AWS credentials. The admin receives Cognito's invitation e-mail with a
temporary password; the salon id is an immutable attribute of the user, and every admin request
is confined to it.
"""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from regulars import clock
from regulars.booking import model as m
from regulars.store import catalog
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
    catalog.create_salon(
        m.Salon(id=args.id, name=args.name, timezone=args.timezone, currency=args.currency.upper(),
                locale=args.locale, country=args.country.upper()),
        clock.now(),
    )
    print(f"salon {args.id} created")
    if args.user_pool and args.admin_email:
        import boto3

        boto3.client("cognito-idp").admin_create_user(
            UserPoolId=args.user_pool,
            Username=args.admin_email,
            UserAttributes=[
                {"Name": "email", "Value": args.admin_email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "custom:salon_id", "Value": args.id},
                {"Name": "custom:role", "Value": "owner"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
        print(f"admin {args.admin_email} invited")


if __name__ == "__main__":
    main()
