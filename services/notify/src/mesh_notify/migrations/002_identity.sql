-- Tenancy: every contact and notification is one institution's (mesh_secure_by_institution, in the
-- runtime's migrations); a contact is someone's account, on a campus. Contacts from before identity
-- have neither: the next ParticipantProfileUpdated brings them.
ALTER TABLE contacts ADD COLUMN subject text, ADD COLUMN campus text;
-- A notification's campus: its recipient's when it was planned (backfilled before row security is
-- on: the migration names no tenant, so a secured table would read as empty).
ALTER TABLE notifications ADD COLUMN campus text;
UPDATE notifications n SET campus = c.campus FROM contacts c WHERE c.participant_id = n.recipient_id;
SELECT mesh_secure_by_institution('contacts');
CREATE INDEX contacts_tenancy ON contacts (institution, campus);
SELECT mesh_secure_by_institution('notifications');
CREATE INDEX notifications_tenancy ON notifications (institution, campus, recipient_id);
