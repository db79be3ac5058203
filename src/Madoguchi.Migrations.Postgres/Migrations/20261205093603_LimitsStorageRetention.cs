using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LimitsStorageRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAt",
                table: "Tickets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TrashedAt",
                table: "Tickets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeletedAt",
                table: "RawMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AutoDeleteClosedAfterDays",
                table: "Inboxes",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CountedOriginals",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    BlobHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Holders = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CountedOriginals", x => new { x.AccountId, x.BlobHash });
                    table.ForeignKey(
                        name: "FK_CountedOriginals_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_InboxId_ClosedAt",
                table: "Tickets",
                columns: new[] { "InboxId", "ClosedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Place_TrashedAt",
                table: "Tickets",
                columns: new[] { "Place", "TrashedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketAttachments_BlobHash",
                table: "TicketAttachments",
                column: "BlobHash");

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_BlobHash",
                table: "RawMessages",
                column: "BlobHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CountedOriginals");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_InboxId_ClosedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Place_TrashedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_TicketAttachments_BlobHash",
                table: "TicketAttachments");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_BlobHash",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "TrashedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "DeletedAt",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "AutoDeleteClosedAfterDays",
                table: "Inboxes");
        }
    }
}
