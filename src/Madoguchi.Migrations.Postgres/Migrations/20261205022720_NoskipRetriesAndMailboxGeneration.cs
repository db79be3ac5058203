using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NoskipRetriesAndMailboxGeneration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_Folder_UidValidity_Uid",
                table: "RawMessages");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_Uidl",
                table: "RawMessages");

            migrationBuilder.AddColumn<int>(
                name: "MailboxGeneration",
                table: "ReceiveServers",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MailboxGeneration",
                table: "RawMessages",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ReceiveRetries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceiveServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<string>(type: "character varying(800)", maxLength: 800, nullable: false),
                    Folder = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    UidValidity = table.Column<long>(type: "bigint", nullable: true),
                    Uid = table.Column<long>(type: "bigint", nullable: true),
                    Uidl = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ServerText = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextRetryAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Resolution = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReceiveRetries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReceiveRetries_ReceiveServers_ReceiveServerId",
                        column: x => x.ReceiveServerId,
                        principalTable: "ReceiveServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Folder_UidVal~",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "MailboxGeneration", "Folder", "UidValidity", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Uidl",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "MailboxGeneration", "Uidl" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReceiveRetries_InboxId_ResolvedAt",
                table: "ReceiveRetries",
                columns: new[] { "InboxId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReceiveRetries_ReceiveServerId_Position",
                table: "ReceiveRetries",
                columns: new[] { "ReceiveServerId", "Position" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReceiveRetries");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Folder_UidVal~",
                table: "RawMessages");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Uidl",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "MailboxGeneration",
                table: "ReceiveServers");

            migrationBuilder.DropColumn(
                name: "MailboxGeneration",
                table: "RawMessages");

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_Folder_UidValidity_Uid",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "Folder", "UidValidity", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_Uidl",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "Uidl" },
                unique: true);
        }
    }
}
