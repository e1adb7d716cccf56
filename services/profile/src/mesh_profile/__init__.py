"""Profile service: owns participants and their profiles; publishes ParticipantJoined."""
