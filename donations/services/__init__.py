"""Every write of the donations app, one module per topic. Keyword-only, atomic, an event row
per write, side effects (emails, thumbnails) on commit. Import from the module itself:

- donors: the donor behind a pledge or gift (`donor_for`), and the unconfirmed claim of a pledge
  or gift naming an existing account's email;
- claims: the one-time link that claim's owner follows to confirm it;
- pledges: the phone rules (`device_check`), pledges (create, update, cancel) and the pledge's
  status door (`PLEDGE`, `pledge_transition`);
- photos: the donor's photos of a pledged phone and their thumbnails;
- outcomes: what a delivered phone became (recorded by logistics at handover);
- gifts: card gifts (Stripe Checkout), bank transfers (VietQR), the Stripe webhook and its
  de-duplication, refunds, and the gift's status door (`GIFT`, `gift_transition`);
- statements: bank statement upload and reconciliation of VietQR gifts;
- ledger: the fund ledger's spending and its attribution to gifts;
- timeline: rows on a gift's or pledge's timeline that are not status moves;
- errors: the field error the services raise.
"""
