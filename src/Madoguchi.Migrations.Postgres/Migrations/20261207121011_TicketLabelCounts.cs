using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TicketLabelCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TicketLabelCounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    LabelId = table.Column<Guid>(type: "uuid", nullable: false),
                    Place = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketLabelCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TicketLabelCounts_InboxId_LabelId_Place_Status_Delta",
                table: "TicketLabelCounts",
                columns: new[] { "InboxId", "LabelId", "Place", "Status", "Delta" });

            // How many tickets of each bucket carry each label, kept by triggers like the bucket counts (H6CountsBuckets).
            // The count is the number of TicketLabels rows whose ticket exists. A ticket's delete takes its labels off the
            // counts BEFORE the row goes (its labels are still there); the foreign-key cascade runs after the statement, so
            // the cascaded TicketLabels deletes find no ticket and add nothing. A label put on or taken off a ticket locks
            // the ticket's row first (FOR NO KEY UPDATE): a concurrent change of the ticket's bucket then either waits for
            // it and moves the label's count (its trigger reads the labels with a fresh snapshot), or committed first and
            // the label's row reads the new bucket; without the lock each would miss the other and the count would drift.
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketLabelCountsOnLabel"() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    inbox uuid; place integer; status integer;
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        SELECT "InboxId", "Place", "Status" INTO inbox, place, status FROM "Tickets" WHERE "Id" = NEW."TicketId" FOR NO KEY UPDATE;
                        IF FOUND THEN
                            INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta") VALUES (inbox, NEW."LabelId", place, status, 1);
                        END IF;
                    ELSE
                        SELECT "InboxId", "Place", "Status" INTO inbox, place, status FROM "Tickets" WHERE "Id" = OLD."TicketId" FOR NO KEY UPDATE;
                        IF FOUND THEN
                            INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta") VALUES (inbox, OLD."LabelId", place, status, -1);
                        END IF;
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketLabelCountsOnTicket"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT OLD."InboxId", "LabelId", OLD."Place", OLD."Status", -1 FROM "TicketLabels" WHERE "TicketId" = OLD."Id";
                    IF TG_OP = 'UPDATE' THEN
                        INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                        SELECT NEW."InboxId", "LabelId", NEW."Place", NEW."Status", 1 FROM "TicketLabels" WHERE "TicketId" = NEW."Id";
                        RETURN NULL;
                    END IF;
                    RETURN OLD;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketLabels_LabelCounts" AFTER INSERT OR DELETE ON "TicketLabels"
                FOR EACH ROW EXECUTE FUNCTION "TicketLabelCountsOnLabel"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_LabelCounts_Update" AFTER UPDATE OF "InboxId", "Place", "Status" ON "Tickets"
                FOR EACH ROW WHEN (OLD."InboxId" IS DISTINCT FROM NEW."InboxId" OR OLD."Place" IS DISTINCT FROM NEW."Place" OR OLD."Status" IS DISTINCT FROM NEW."Status")
                EXECUTE FUNCTION "TicketLabelCountsOnTicket"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_LabelCounts_Delete" BEFORE DELETE ON "Tickets"
                FOR EACH ROW EXECUTE FUNCTION "TicketLabelCountsOnTicket"();
                """);
            // Filled from the labels already on tickets, in the migration's transaction.
            migrationBuilder.Sql("""
                INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                SELECT t."InboxId", x."LabelId", t."Place", t."Status", COUNT(*) FROM "TicketLabels" x JOIN "Tickets" t ON t."Id" = x."TicketId"
                GROUP BY t."InboxId", x."LabelId", t."Place", t."Status";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketLabels_LabelCounts" ON "TicketLabels";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_LabelCounts_Update" ON "Tickets";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_LabelCounts_Delete" ON "Tickets";""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketLabelCountsOnLabel"();""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketLabelCountsOnTicket"();""");
            migrationBuilder.DropTable(
                name: "TicketLabelCounts");
        }
    }
}
