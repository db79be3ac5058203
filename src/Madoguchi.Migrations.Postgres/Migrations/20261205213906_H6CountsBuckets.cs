using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class H6CountsBuckets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TicketBucketCounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Place = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    PendingReasonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Delta = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketBucketCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TicketBucketCounts_InboxId_Place_Status_PendingReasonId_Del~",
                table: "TicketBucketCounts",
                columns: new[] { "InboxId", "Place", "Status", "PendingReasonId", "Delta" });

            // The counts beside the tickets: every insert, bucket change and delete of a ticket, by any writer (EF, bulk
            // inserts, ExecuteUpdate/ExecuteDelete, foreign-key cascades and SET NULL), adds +1/−1 rows in its own
            // transaction. Insert-only: writers of one bucket never wait for each other (no hot counter row), so
            // concurrent moves in opposite directions cannot deadlock on the counts.
            migrationBuilder.Sql("""
                CREATE FUNCTION "TicketBucketCountsDelta"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (OLD."InboxId", OLD."Place", OLD."Status", OLD."PendingReasonId", -1);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (NEW."InboxId", NEW."Place", NEW."Status", NEW."PendingReasonId", 1);
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Insert" AFTER INSERT ON "Tickets"
                FOR EACH ROW EXECUTE FUNCTION "TicketBucketCountsDelta"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Update" AFTER UPDATE OF "InboxId", "Place", "Status", "PendingReasonId" ON "Tickets"
                FOR EACH ROW WHEN (OLD."InboxId" IS DISTINCT FROM NEW."InboxId" OR OLD."Place" IS DISTINCT FROM NEW."Place" OR OLD."Status" IS DISTINCT FROM NEW."Status" OR OLD."PendingReasonId" IS DISTINCT FROM NEW."PendingReasonId")
                EXECUTE FUNCTION "TicketBucketCountsDelta"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Delete" AFTER DELETE ON "Tickets"
                FOR EACH ROW EXECUTE FUNCTION "TicketBucketCountsDelta"();
                """);
            // Filled from the tickets already there, in the migration's transaction (creating the triggers locked out
            // writers of Tickets until it commits).
            migrationBuilder.Sql("""
                INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta")
                SELECT "InboxId", "Place", "Status", "PendingReasonId", COUNT(*) FROM "Tickets"
                GROUP BY "InboxId", "Place", "Status", "PendingReasonId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Insert" ON "Tickets";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Update" ON "Tickets";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Delete" ON "Tickets";""");
            migrationBuilder.Sql("""DROP FUNCTION "TicketBucketCountsDelta"();""");
            migrationBuilder.DropTable(
                name: "TicketBucketCounts");
        }
    }
}
