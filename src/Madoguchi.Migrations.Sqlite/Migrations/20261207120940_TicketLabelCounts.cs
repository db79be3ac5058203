using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LabelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Place = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Delta = table.Column<int>(type: "INTEGER", nullable: false)
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
            // counts BEFORE the row goes (its labels are still there); SQLite runs the foreign-key cascade after the row is
            // gone, so the cascaded TicketLabels deletes find no ticket and add nothing. A label deleted on its own (or by
            // its own cascade) finds its ticket and subtracts. One writer at a time on SQLite, so no race between them.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketLabels_LabelCounts_Insert" AFTER INSERT ON "TicketLabels"
                BEGIN
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT "InboxId", NEW."LabelId", "Place", "Status", 1 FROM "Tickets" WHERE "Id" = NEW."TicketId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketLabels_LabelCounts_Delete" AFTER DELETE ON "TicketLabels"
                BEGIN
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT "InboxId", OLD."LabelId", "Place", "Status", -1 FROM "Tickets" WHERE "Id" = OLD."TicketId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_LabelCounts_Update" AFTER UPDATE OF "InboxId", "Place", "Status" ON "Tickets"
                WHEN OLD."InboxId" IS NOT NEW."InboxId" OR OLD."Place" IS NOT NEW."Place" OR OLD."Status" IS NOT NEW."Status"
                BEGIN
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT OLD."InboxId", "LabelId", OLD."Place", OLD."Status", -1 FROM "TicketLabels" WHERE "TicketId" = OLD."Id";
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT NEW."InboxId", "LabelId", NEW."Place", NEW."Status", 1 FROM "TicketLabels" WHERE "TicketId" = NEW."Id";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_LabelCounts_Delete" BEFORE DELETE ON "Tickets"
                BEGIN
                    INSERT INTO "TicketLabelCounts" ("InboxId", "LabelId", "Place", "Status", "Delta")
                    SELECT OLD."InboxId", "LabelId", OLD."Place", OLD."Status", -1 FROM "TicketLabels" WHERE "TicketId" = OLD."Id";
                END;
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
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketLabels_LabelCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketLabels_LabelCounts_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_LabelCounts_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_LabelCounts_Delete";""");
            migrationBuilder.DropTable(
                name: "TicketLabelCounts");
        }
    }
}
