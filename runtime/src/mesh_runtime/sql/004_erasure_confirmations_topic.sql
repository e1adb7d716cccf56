-- Contracts 2.4 moved ParticipantErasureConfirmed to a topic of its own (security review M4).
-- Confirmations committed before the upgrade but not yet published go there too: the services that
-- confirm may no longer write profile's participants topic, and the relay, which publishes in order,
-- would stop at the first of them. Profile refuses a confirmation found on the participants topic.
UPDATE mesh_outbox SET topic = 'mentoring.erasure-confirmations.v1'
WHERE published_at IS NULL AND topic = 'mentoring.participants.v1'
  AND event_type = 'org.mentoringmesh.ParticipantErasureConfirmed.v1';
