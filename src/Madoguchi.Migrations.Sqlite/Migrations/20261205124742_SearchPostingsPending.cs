using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SearchPostingsPending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "PostingsPendingSince",
                table: "SearchDocuments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_PostingsPendingSince",
                table: "SearchDocuments",
                column: "PostingsPendingSince",
                filter: "\"PostingsPendingSince\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SearchDocuments_PostingsPendingSince",
                table: "SearchDocuments");

            migrationBuilder.DropColumn(
                name: "PostingsPendingSince",
                table: "SearchDocuments");
        }
    }
}
