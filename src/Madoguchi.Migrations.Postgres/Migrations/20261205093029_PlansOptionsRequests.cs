using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Madoguchi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PlansOptionsRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OptionPrices",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    MonthlyPriceYen = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OptionPrices", x => x.Kind);
                });

            migrationBuilder.CreateTable(
                name: "OptionRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    RequestedByName = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExtraUsers = table.Column<int>(type: "integer", nullable: false),
                    ExtraStorageGb = table.Column<int>(type: "integer", nullable: false),
                    ExtraInboxes = table.Column<int>(type: "integer", nullable: false),
                    OtherText = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    MonthlyYen = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OptionRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OptionRequests_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Users = table.Column<int>(type: "integer", nullable: false),
                    Inboxes = table.Column<int>(type: "integer", nullable: false),
                    StorageMb = table.Column<long>(type: "bigint", nullable: false),
                    MonthlyPriceYen = table.Column<int>(type: "integer", nullable: false),
                    CustomSmtp = table.Column<bool>(type: "boolean", nullable: false),
                    AuditRetentionDays = table.Column<int>(type: "integer", nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AccountPlans",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountPlans", x => x.AccountId);
                    table.ForeignKey(
                        name: "FK_AccountPlans_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AccountPlans_Plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "Plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "OptionPrices",
                columns: new[] { "Kind", "MonthlyPriceYen" },
                values: new object[,]
                {
                    { "Inboxes", 1000 },
                    { "StorageGb", 300 },
                    { "Users", 500 }
                });

            migrationBuilder.InsertData(
                table: "Plans",
                columns: new[] { "Id", "AuditRetentionDays", "CustomSmtp", "Inboxes", "MonthlyPriceYen", "Name", "SortOrder", "StorageMb", "Users" },
                values: new object[,]
                {
                    { new Guid("0193a000-0000-7000-8000-000000000001"), 7, false, 1, 0, "フリー / Free", 1, 1024L, 3 },
                    { new Guid("0193a000-0000-7000-8000-000000000002"), 365, true, 5, 9800, "スタンダード / Standard", 2, 10240L, 10 },
                    { new Guid("0193a000-0000-7000-8000-000000000003"), 365, true, 20, 29800, "ビジネス / Business", 3, 51200L, 30 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountPlans_PlanId",
                table: "AccountPlans",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_OptionRequests_AccountId_State",
                table: "OptionRequests",
                columns: new[] { "AccountId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_OptionRequests_State_RequestedAt",
                table: "OptionRequests",
                columns: new[] { "State", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Plans_Name",
                table: "Plans",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountPlans");

            migrationBuilder.DropTable(
                name: "OptionPrices");

            migrationBuilder.DropTable(
                name: "OptionRequests");

            migrationBuilder.DropTable(
                name: "Plans");
        }
    }
}
