using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Madoguchi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SendRobustDraftUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "DraftId",
                table: "Uploads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Uploads_DraftId",
                table: "Uploads",
                column: "DraftId");

            migrationBuilder.AddForeignKey(
                name: "FK_Uploads_ReplyDrafts_DraftId",
                table: "Uploads",
                column: "DraftId",
                principalTable: "ReplyDrafts",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Uploads_ReplyDrafts_DraftId",
                table: "Uploads");

            migrationBuilder.DropIndex(
                name: "IX_Uploads_DraftId",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "DraftId",
                table: "Uploads");
        }
    }
}
