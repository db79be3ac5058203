using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Operator2faAccountsSuspend : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiresAt",
                table: "OperatorTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hint",
                table: "OperatorTokens",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "LastUsedAt",
                table: "OperatorTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "OperatorTokens",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "LastTotpStep",
                table: "Operators",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPendingTotpSecret",
                table: "Operators",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedTotpSecret",
                table: "Operators",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TotpEnabledAt",
                table: "Operators",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SuspendedAt",
                table: "Accounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuspensionReason",
                table: "Accounts",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OperatorRecoveryCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OperatorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OperatorRecoveryCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OperatorRecoveryCodes_Operators_OperatorId",
                        column: x => x.OperatorId,
                        principalTable: "Operators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OperatorRecoveryCodes_OperatorId",
                table: "OperatorRecoveryCodes",
                column: "OperatorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OperatorRecoveryCodes");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "OperatorTokens");

            migrationBuilder.DropColumn(
                name: "Hint",
                table: "OperatorTokens");

            migrationBuilder.DropColumn(
                name: "LastUsedAt",
                table: "OperatorTokens");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "OperatorTokens");

            migrationBuilder.DropColumn(
                name: "LastTotpStep",
                table: "Operators");

            migrationBuilder.DropColumn(
                name: "ProtectedPendingTotpSecret",
                table: "Operators");

            migrationBuilder.DropColumn(
                name: "ProtectedTotpSecret",
                table: "Operators");

            migrationBuilder.DropColumn(
                name: "TotpEnabledAt",
                table: "Operators");

            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "SuspensionReason",
                table: "Accounts");
        }
    }
}
