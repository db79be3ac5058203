using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Receiving : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RawMessages_InboxId_BlobHash",
                table: "RawMessages");

            migrationBuilder.CreateTable(
                name: "ReceiveServers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Protocol = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Host = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    Port = table.Column<int>(type: "integer", nullable: false),
                    Security = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ValidateCertificate = table.Column<bool>(type: "boolean", nullable: false),
                    Username = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    ProtectedPassword = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    LeaveOnServer = table.Column<bool>(type: "boolean", nullable: false),
                    DeleteAfterDays = table.Column<int>(type: "integer", nullable: true),
                    Folders = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    UseIdle = table.Column<bool>(type: "boolean", nullable: false),
                    PollSeconds = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastErrorCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    LastErrorDetail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ProgressStored = table.Column<long>(type: "bigint", nullable: false),
                    ProgressTotal = table.Column<long>(type: "bigint", nullable: false),
                    ProgressAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReceiveServers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReceiveServers_Inboxes_InboxId",
                        column: x => x.InboxId,
                        principalTable: "Inboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FetchIssues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceiveServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    InboxId = table.Column<Guid>(type: "uuid", nullable: false),
                    Folder = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Uid = table.Column<long>(type: "bigint", nullable: true),
                    Uidl = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: true),
                    Code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RawMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FetchIssues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FetchIssues_ReceiveServers_ReceiveServerId",
                        column: x => x.ReceiveServerId,
                        principalTable: "ReceiveServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FetchLeases",
                columns: table => new
                {
                    ReceiveServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FetchLeases", x => x.ReceiveServerId);
                    table.ForeignKey(
                        name: "FK_FetchLeases_ReceiveServers_ReceiveServerId",
                        column: x => x.ReceiveServerId,
                        principalTable: "ReceiveServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ImapFolderStates",
                columns: table => new
                {
                    ReceiveServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Folder = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    UidValidity = table.Column<long>(type: "bigint", nullable: false),
                    LastUid = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImapFolderStates", x => new { x.ReceiveServerId, x.Folder });
                    table.ForeignKey(
                        name: "FK_ImapFolderStates_ReceiveServers_ReceiveServerId",
                        column: x => x.ReceiveServerId,
                        principalTable: "ReceiveServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Pop3SeenMessages",
                columns: table => new
                {
                    ReceiveServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Uidl = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RawMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    StoredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeletedFromServerAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pop3SeenMessages", x => new { x.ReceiveServerId, x.Uidl });
                    table.ForeignKey(
                        name: "FK_Pop3SeenMessages_ReceiveServers_ReceiveServerId",
                        column: x => x.ReceiveServerId,
                        principalTable: "ReceiveServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_InboxId_BlobHash",
                table: "RawMessages",
                columns: new[] { "InboxId", "BlobHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FetchIssues_ReceiveServerId_OccurredAt",
                table: "FetchIssues",
                columns: new[] { "ReceiveServerId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReceiveServers_InboxId",
                table: "ReceiveServers",
                column: "InboxId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FetchIssues");

            migrationBuilder.DropTable(
                name: "FetchLeases");

            migrationBuilder.DropTable(
                name: "ImapFolderStates");

            migrationBuilder.DropTable(
                name: "Pop3SeenMessages");

            migrationBuilder.DropTable(
                name: "ReceiveServers");

            migrationBuilder.DropIndex(
                name: "IX_RawMessages_InboxId_BlobHash",
                table: "RawMessages");

            migrationBuilder.CreateIndex(
                name: "IX_RawMessages_InboxId_BlobHash",
                table: "RawMessages",
                columns: new[] { "InboxId", "BlobHash" });
        }
    }
}
