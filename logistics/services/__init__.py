"""Every write of logistics, by topic:

- `bench`: a phone at the hub — intake (and walk-ins), rejection, wipe, repair, QA, SIM.
- `delivery`: a phone on its way — batches, dispatch, return, handover, follow-up.
- `field`: the same handover recorded where there is no signal — the batch's pack, the sync of
  the records made offline (each once), the records the server keeps when it cannot accept them.
- `sms`: the code sent to the new phone at handover and read back from its screen.
- `shared`: the hub check and the device's door, as both use them.

Each service creates its record and moves the device (and, at handover, the household; the batch
through logistics.lifecycle.BATCH) through its one door, in one transaction: all or nothing.
Access is checked here too (the hub of the phone, the commune of the household), so that a page
and its API twin cannot differ."""
