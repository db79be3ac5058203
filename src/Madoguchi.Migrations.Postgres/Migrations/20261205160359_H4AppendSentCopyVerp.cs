using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SentFolder",
                table: "SendAddresses",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Verp",
                table: "SendAddresses",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "VerpToken",
                table: "OutgoingMessages",
                type: "character varying(26)",
                maxLength: 26,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SentFolderCopy",
                columns: table => new
                {
                    TicketMessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    SendAddressId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DoneAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Folder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ErrorDetail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
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
