-- Per service, and for the web app (mesh_web: its sessions): an owner role, which owns the database and its tables and applies the migrations,
-- and the role the service runs as, which owns nothing (the migrations grant it the use of the rows).
-- No role can connect to another service's database.
-- Local compose only: these passwords are examples, deployments use their secret store.
CREATE ROLE mesh_profile LOGIN PASSWORD 'profile-compose-secret';
CREATE ROLE mesh_matching LOGIN PASSWORD 'matching-compose-secret';
CREATE ROLE mesh_scheduling LOGIN PASSWORD 'scheduling-compose-secret';
CREATE ROLE mesh_notify LOGIN PASSWORD 'notify-compose-secret';
CREATE ROLE mesh_web LOGIN PASSWORD 'web-compose-secret';
CREATE ROLE mesh_profile_owner LOGIN PASSWORD 'profile-owner-compose-secret';
CREATE ROLE mesh_matching_owner LOGIN PASSWORD 'matching-owner-compose-secret';
CREATE ROLE mesh_scheduling_owner LOGIN PASSWORD 'scheduling-owner-compose-secret';
CREATE ROLE mesh_notify_owner LOGIN PASSWORD 'notify-owner-compose-secret';
CREATE ROLE mesh_web_owner LOGIN PASSWORD 'web-owner-compose-secret';
CREATE DATABASE mesh_profile OWNER mesh_profile_owner;
CREATE DATABASE mesh_matching OWNER mesh_matching_owner;
CREATE DATABASE mesh_scheduling OWNER mesh_scheduling_owner;
CREATE DATABASE mesh_notify OWNER mesh_notify_owner;
CREATE DATABASE mesh_web OWNER mesh_web_owner;
REVOKE ALL ON DATABASE mesh_profile, mesh_matching, mesh_scheduling, mesh_notify, mesh_web FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE mesh_profile TO mesh_profile;
GRANT CONNECT, TEMPORARY ON DATABASE mesh_matching TO mesh_matching;
GRANT CONNECT, TEMPORARY ON DATABASE mesh_scheduling TO mesh_scheduling;
GRANT CONNECT, TEMPORARY ON DATABASE mesh_notify TO mesh_notify;
GRANT CONNECT, TEMPORARY ON DATABASE mesh_web TO mesh_web;
