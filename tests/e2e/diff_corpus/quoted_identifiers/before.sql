CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Order Items" ("Id" int, "select" text);
