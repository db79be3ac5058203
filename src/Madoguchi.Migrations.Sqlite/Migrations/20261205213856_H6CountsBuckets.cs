using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Place = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    PendingReasonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Delta = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketBucketCounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TicketBucketCounts_InboxId_Place_Status_PendingReasonId_Delta",
                table: "TicketBucketCounts",
                columns: new[] { "InboxId", "Place", "Status", "PendingReasonId", "Delta" });

            // The counts beside the tickets: every insert, bucket change and delete of a ticket, by any writer (EF, bulk
            // inserts, ExecuteUpdate/ExecuteDelete, foreign-key cascades and SET NULL), adds +1/−1 rows in its own transaction.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Insert" AFTER INSERT ON "Tickets"
                BEGIN
                    INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (NEW."InboxId", NEW."Place", NEW."Status", NEW."PendingReasonId", 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Update" AFTER UPDATE OF "InboxId", "Place", "Status", "PendingReasonId" ON "Tickets"
                WHEN OLD."InboxId" IS NOT NEW."InboxId" OR OLD."Place" IS NOT NEW."Place" OR OLD."Status" IS NOT NEW."Status" OR OLD."PendingReasonId" IS NOT NEW."PendingReasonId"
                BEGIN
                    INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (OLD."InboxId", OLD."Place", OLD."Status", OLD."PendingReasonId", -1);
                    INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (NEW."InboxId", NEW."Place", NEW."Status", NEW."PendingReasonId", 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Tickets_BucketCounts_Delete" AFTER DELETE ON "Tickets"
                BEGIN
                    INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta") VALUES (OLD."InboxId", OLD."Place", OLD."Status", OLD."PendingReasonId", -1);
                END;
                """);
            // Filled from the tickets already there, in the migration's transaction.
            migrationBuilder.Sql("""
                INSERT INTO "TicketBucketCounts" ("InboxId", "Place", "Status", "PendingReasonId", "Delta")
                SELECT "InboxId", "Place", "Status", "PendingReasonId", COUNT(*) FROM "Tickets"
                GROUP BY "InboxId", "Place", "Status", "PendingReasonId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Tickets_BucketCounts_Delete";""");
            migrationBuilder.DropTable(
                name: "TicketBucketCounts");
        }
    }
}
