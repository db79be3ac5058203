using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
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
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

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

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "RawMessages",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AlterColumn<Guid>(
                name: "AccountId",
                table: "AuditEntries",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "Accounts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "Asia/Tokyo");

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

            migrationBuilder.CreateTable(
                name: "SignInFailureCounts",
                columns: table => new
                {
                    AddressHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FailedCount = table.Column<int>(type: "integer", nullable: false),
                    LastFailedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInFailureCounts", x => x.AddressHash);
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
                name: "IX_RawMessages_ReceiveServerId_MailboxGeneration_Folder_UidVal~",
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
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
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
