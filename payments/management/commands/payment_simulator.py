"""Control the VNPAY-protocol gateway simulator (development, tests, staging).

manage.py payment_simulator status
manage.py payment_simulator rule drop [--ref TXNREF]          # never send the IPN
manage.py payment_simulator rule delay --seconds 600 [--ref]  # send it late
manage.py payment_simulator rule duplicate --copies 3 [--ref] # send it several times
manage.py payment_simulator rule reorder [--ref]              # hold it until the next one is sent
manage.py payment_simulator rule refund_pending [--ref]       # answer refunds "in progress" (05)
manage.py payment_simulator rule normal [--ref]               # remove the rule
manage.py payment_simulator sweep                             # send due notices now (what beat does)
manage.py payment_simulator resolve TXNREF                    # a suspicious (07) payment is cleared
manage.py payment_simulator settle-refunds [--ref TXNREF]     # refunds in progress reach the bank
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.models import SimulatedNotice, SimulatedTransaction, SimulatorRule
from payments.simulator import gateway as sim


class Command(BaseCommand):
    help = "Control the payment gateway simulator (PAYMENT_SIMULATOR must be on)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rule", "sweep", "resolve", "settle-refunds"])
        parser.add_argument("value", nargs="?", default="")
        parser.add_argument(
            "--ref", default="", help="vnp_TxnRef the rule applies to (default: every payment)"
        )
        parser.add_argument("--seconds", type=int, default=300)
        parser.add_argument("--copies", type=int, default=2)

    def handle(self, *args, action, value, ref, seconds, copies, **options):
        if not settings.PAYMENT_SIMULATOR:
            raise CommandError("PAYMENT_SIMULATOR is off.")
        if action == "status":
            for rule in SimulatorRule.objects.all():
                self.stdout.write(f"rule {rule}")
            for state, _label in SimulatedNotice.State.choices:
                self.stdout.write(f"notices {state}: {SimulatedNotice.objects.filter(state=state).count()}")
            self.stdout.write(f"transactions: {SimulatedTransaction.objects.count()}")
        elif action == "rule":
            if value not in SimulatorRule.Mode.values:
                raise CommandError(f"mode must be one of {', '.join(SimulatorRule.Mode.values)}")
            if value == SimulatorRule.Mode.NORMAL:
                SimulatorRule.objects.filter(txn_ref=ref).delete()
            else:
                SimulatorRule.objects.update_or_create(
                    txn_ref=ref, defaults={"mode": value, "delay_seconds": seconds, "copies": copies}
                )
            self.stdout.write(f"{ref or '*'}: {value}")
        elif action == "sweep":
            self.stdout.write(str(sim.sweep()))
        elif action == "resolve":
            try:
                sim.resolve_suspicious(txn_ref=value)
            except (sim.SimulatorError, SimulatedTransaction.DoesNotExist) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{value}: success notice owed")
        elif action == "settle-refunds":
            self.stdout.write(f"{sim.settle_refunds(txn_ref=ref or None)} refund(s) sent to the bank")
