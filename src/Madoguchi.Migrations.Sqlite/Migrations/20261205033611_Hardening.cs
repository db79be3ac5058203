using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Hardening : Migration
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

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "Users",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MailboxGeneration",
                table: "ReceiveServers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MailboxGeneration",
                table: "RawMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "RawMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AlterColumn<Guid>(
                name: "AccountId",
                table: "AuditEntries",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "Accounts",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "Asia/Tokyo");

            migrationBuilder.CreateTable(
                name: "ReceiveRetries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceiveServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<string>(type: "TEXT", maxLength: 800, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: true),
                    Uid = table.Column<long>(type: "INTEGER", nullable: true),
                    Uidl = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ServerText = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextRetryAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
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

            migrationBuilder.CreateTable(
                name: "SignInFailureCounts",
                columns: table => new
                {
                    AddressHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFailedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInFailureCounts", x => x.AddressHash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Folder_UidValidity_Uid",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "MailboxGeneration", "Folder", "UidValidity", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Uidl",
                table: "RawMessages",
                columns: new[] { "ReceiveServerId", "MailboxGeneration", "Uidl" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_Sequence",
                table: "RawMessages",
                column: "Sequence");

            migrationBuilder.CreateIndex(
                name: "IX_ReceiveRetries_InboxId_ResolvedAt",
                table: "ReceiveRetries",
                columns: new[] { "InboxId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReceiveRetries_ReceiveServerId_Position",
                table: "ReceiveRetries",
                columns: new[] { "ReceiveServerId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignInFailureCounts_LastFailedAt",
                table: "SignInFailureCounts",
                column: "LastFailedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReceiveRetries");

            migrationBuilder.DropTable(
                name: "SignInFailureCounts");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Folder_UidValidity_Uid",
                table: "RawMessages");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Uidl",
                table: "RawMessages");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_Sequence",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "MailboxGeneration",
                table: "ReceiveServers");

            migrationBuilder.DropColumn(
                name: "MailboxGeneration",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "RawMessages");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "Accounts");

            migrationBuilder.AlterColumn<Guid>(
                name: "AccountId",
                table: "AuditEntries",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);

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
