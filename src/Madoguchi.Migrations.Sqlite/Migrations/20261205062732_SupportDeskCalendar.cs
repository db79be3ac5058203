using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SupportDeskCalendar : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SupportClosures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LastDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportClosures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SupportHours",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    OpensMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosesMinute = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportHours", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SupportNotices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TextJa = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    TextEn = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ShownFrom = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ShownUntil = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosureId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportNotices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupportNotices_SupportClosures_ClosureId",
                        column: x => x.ClosureId,
                        principalTable: "SupportClosures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SupportNoticeDismissals",
                columns: table => new
                {
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DismissedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportNoticeDismissals", x => new { x.UserId, x.NoticeId });
                    table.ForeignKey(
                        name: "FK_SupportNoticeDismissals_SupportNotices_NoticeId",
                        column: x => x.NoticeId,
                        principalTable: "SupportNotices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SupportNoticeDismissals_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SupportClosures_LastDay",
                table: "SupportClosures",
                column: "LastDay");

            migrationBuilder.CreateIndex(
                name: "IX_SupportHours_Day_OpensMinute",
                table: "SupportHours",
                columns: new[] { "Day", "OpensMinute" });

            migrationBuilder.CreateIndex(
                name: "IX_SupportNoticeDismissals_NoticeId",
                table: "SupportNoticeDismissals",
                column: "NoticeId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportNotices_ClosureId",
                table: "SupportNotices",
                column: "ClosureId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportNotices_ShownUntil",
                table: "SupportNotices",
                column: "ShownUntil");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SupportHours");

            migrationBuilder.DropTable(
                name: "SupportNoticeDismissals");

            migrationBuilder.DropTable(
                name: "SupportNotices");

            migrationBuilder.DropTable(
                name: "SupportClosures");
        }
    }
}
