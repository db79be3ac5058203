using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TicketHasAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "HasAttachments",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // The list's paper clip, kept whoever writes the files (receiving, sending, a re-run of the pipeline): a file
            // attached sets it; a file taken away, a message deleted or moved to another ticket counts the ticket's files
            // again, and the row is written only when the count disagrees with it (the flag flips). One writer at a time on
            // SQLite, so no race between them.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketAttachments_HasAttachments_Insert" AFTER INSERT ON "TicketAttachments"
                WHEN NOT NEW."IsInline"
                BEGIN
                    UPDATE "Tickets" SET "HasAttachments" = 1
                    WHERE "Id" = (SELECT "TicketId" FROM "TicketMessages" WHERE "Id" = NEW."TicketMessageId") AND NOT "HasAttachments";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketAttachments_HasAttachments_Delete" AFTER DELETE ON "TicketAttachments"
                WHEN NOT OLD."IsInline"
                BEGIN
                    UPDATE "Tickets" SET "HasAttachments" = NOT "HasAttachments"
                    WHERE "HasAttachments" <> EXISTS (
                        SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                        WHERE m."TicketId" = "Tickets"."Id" AND NOT a."IsInline")
                    AND "Id" = (SELECT "TicketId" FROM "TicketMessages" WHERE "Id" = OLD."TicketMessageId");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketMessages_HasAttachments_Delete" AFTER DELETE ON "TicketMessages"
                BEGIN
                    UPDATE "Tickets" SET "HasAttachments" = NOT "HasAttachments"
                    WHERE "HasAttachments" <> EXISTS (
                        SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                        WHERE m."TicketId" = "Tickets"."Id" AND NOT a."IsInline")
                    AND "Id" = OLD."TicketId" AND "HasAttachments";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketMessages_HasAttachments_Move" AFTER UPDATE OF "TicketId" ON "TicketMessages"
                WHEN OLD."TicketId" IS NOT NEW."TicketId"
                BEGIN
                    UPDATE "Tickets" SET "HasAttachments" = NOT "HasAttachments"
                    WHERE "HasAttachments" <> EXISTS (
                        SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                        WHERE m."TicketId" = "Tickets"."Id" AND NOT a."IsInline")
                    AND "Id" IN (OLD."TicketId", NEW."TicketId");
                END;
                """);
            // Filled from the files already received and sent, in the migration's transaction.
            migrationBuilder.Sql("""
                UPDATE "Tickets" SET "HasAttachments" = 1 WHERE EXISTS (
                        SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                        WHERE m."TicketId" = "Tickets"."Id" AND NOT a."IsInline");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketAttachments_HasAttachments_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketAttachments_HasAttachments_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketMessages_HasAttachments_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketMessages_HasAttachments_Move";""");
            // Not EF's DropColumn, which rebuilds the table on SQLite and so drops the bucket and label counts' triggers on it.
            migrationBuilder.Sql("""ALTER TABLE "Tickets" DROP COLUMN "HasAttachments";""");
        }
    }
}
