using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class H4AppendSentCopyVerp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CopyToSentFolder",
                table: "SendAddresses",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SentFolder",
                table: "SendAddresses",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Verp",
                table: "SendAddresses",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "VerpToken",
                table: "OutgoingMessages",
                type: "TEXT",
                maxLength: 26,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SentFolderCopy",
                columns: table => new
                {
                    TicketMessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InboxId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SendAddressId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DoneAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ErrorDetail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SentFolderCopy", x => x.TicketMessageId);
                    table.ForeignKey(
                        name: "FK_SentFolderCopy_TicketMessages_TicketMessageId",
                        column: x => x.TicketMessageId,
                        principalTable: "TicketMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutgoingMessages_VerpToken",
                table: "OutgoingMessages",
                column: "VerpToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SentFolderCopy_SendAddressId_LastAttemptAt",
                table: "SentFolderCopy",
                columns: new[] { "SendAddressId", "LastAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SentFolderCopy_State_NextAttemptAt",
                table: "SentFolderCopy",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SentFolderCopy");

            migrationBuilder.DropIndex(
                name: "IX_OutgoingMessages_VerpToken",
                table: "OutgoingMessages");

            migrationBuilder.DropColumn(
                name: "CopyToSentFolder",
                table: "SendAddresses");

            migrationBuilder.DropColumn(
                name: "SentFolder",
                table: "SendAddresses");

            migrationBuilder.DropColumn(
                name: "Verp",
                table: "SendAddresses");

            migrationBuilder.DropColumn(
                name: "VerpToken",
                table: "OutgoingMessages");
        }
    }
}
