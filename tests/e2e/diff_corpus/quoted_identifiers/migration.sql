ALTER TABLE "My Schema"."Order Items" ADD COLUMN "Unit ""Price""" numeric;
CREATE INDEX "Order Items Idx" ON "My Schema"."Order Items" ("select");
ALTER TABLE "My Schema"."Order Items" ALTER COLUMN "Id" SET NOT NULL;
