-- The warehouse lives in its own database on the same server (never the same database).
CREATE DATABASE upswing_warehouse OWNER upswing;
