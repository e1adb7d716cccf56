-- What a person chose in the app and keeps from one session to the next: their language.
CREATE TABLE web_preferences (
    subject    text PRIMARY KEY,
    language   text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
