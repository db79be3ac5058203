using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // The list's paper clip, kept whoever writes the files (receiving, sending, a re-run of the pipeline): a file
            // attached sets it; a file taken away, a message deleted or moved to another ticket counts the ticket's files
            // again. The count locks the ticket's row first and then reads with a fresh snapshot, so a file attached by a
            // concurrent transaction (which sets the flag under the same row lock) is either seen or sets the flag after.
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketHasAttachmentsRecount"(ticket uuid) RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    has boolean;
                BEGIN
                    PERFORM 1 FROM "Tickets" WHERE "Id" = ticket FOR NO KEY UPDATE;
                    IF FOUND THEN
                        has := EXISTS (
                            SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                            WHERE m."TicketId" = ticket AND NOT a."IsInline");
                        -- Written only when it changes: erasing a ticket's messages one by one writes its row at most once.
                        UPDATE "Tickets" SET "HasAttachments" = has WHERE "Id" = ticket AND "HasAttachments" <> has;
                    END IF;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketHasAttachmentsOnAttachment"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE "Tickets" SET "HasAttachments" = true
                        WHERE "Id" = (SELECT "TicketId" FROM "TicketMessages" WHERE "Id" = NEW."TicketMessageId") AND NOT "HasAttachments";
                    ELSE
                        PERFORM "TicketHasAttachmentsRecount"((SELECT "TicketId" FROM "TicketMessages" WHERE "Id" = OLD."TicketMessageId"));
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketHasAttachmentsOnMessage"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM "TicketHasAttachmentsRecount"(OLD."TicketId");
                    IF TG_OP = 'UPDATE' THEN
                        PERFORM "TicketHasAttachmentsRecount"(NEW."TicketId");
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketAttachments_HasAttachments_Insert" AFTER INSERT ON "TicketAttachments"
                FOR EACH ROW WHEN (NOT NEW."IsInline") EXECUTE FUNCTION "TicketHasAttachmentsOnAttachment"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketAttachments_HasAttachments_Delete" AFTER DELETE ON "TicketAttachments"
                FOR EACH ROW WHEN (NOT OLD."IsInline") EXECUTE FUNCTION "TicketHasAttachmentsOnAttachment"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketMessages_HasAttachments_Delete" AFTER DELETE ON "TicketMessages"
                FOR EACH ROW EXECUTE FUNCTION "TicketHasAttachmentsOnMessage"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_TicketMessages_HasAttachments_Move" AFTER UPDATE OF "TicketId" ON "TicketMessages"
                FOR EACH ROW WHEN (OLD."TicketId" IS DISTINCT FROM NEW."TicketId") EXECUTE FUNCTION "TicketHasAttachmentsOnMessage"();
                """);
            // Filled from the files already received and sent, in the migration's transaction.
            migrationBuilder.Sql("""
                UPDATE "Tickets" t SET "HasAttachments" = true WHERE EXISTS (
                    SELECT 1 FROM "TicketMessages" m JOIN "TicketAttachments" a ON a."TicketMessageId" = m."Id"
                    WHERE m."TicketId" = t."Id" AND NOT a."IsInline");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketAttachments_HasAttachments_Insert" ON "TicketAttachments";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketAttachments_HasAttachments_Delete" ON "TicketAttachments";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketMessages_HasAttachments_Delete" ON "TicketMessages";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_TicketMessages_HasAttachments_Move" ON "TicketMessages";""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketHasAttachmentsOnMessage"();""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketHasAttachmentsOnAttachment"();""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketHasAttachmentsRecount"(uuid);""");
            migrationBuilder.DropColumn(
                name: "HasAttachments",
                table: "Tickets");
        }
    }
}
