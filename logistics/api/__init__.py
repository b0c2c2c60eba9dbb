"""The logistics API of API.md ("Devices and logistics"), by topic: `devices` (the bench) and
`delivery` (batches, handovers, follow-ups); `shared` holds their permissions and input check."""
