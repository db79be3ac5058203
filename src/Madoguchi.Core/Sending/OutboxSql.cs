using System.Data.Common;
using System.Text;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Madoguchi.Core.Sending;

/// <summary>Writes the outbox's hand-made statements on <see cref="OutgoingMessage"/> from EF's model: the table and column
/// names quoted as the provider quotes them, every value a parameter converted as EF converts it (a GUID as text on SQLite,
/// uuid on PostgreSQL; a state as its name). The outbox's claim and its sent outcomes are written so because EF built,
/// parameterised and looked up their expressions anew on every call (a seventh of the outbox's CPU), and the claim then
/// needed a second query to read what it claimed, where <c>RETURNING</c> gives it at once.</summary>
public sealed class OutboxSql
{
    private readonly IEntityType _entity;
    private readonly StoreObjectIdentifier _table;
    private readonly ISqlGenerationHelper _sql;
    private readonly DbCommand _factory;

    public OutboxSql(MadoguchiDbContext db)
    {
        _entity = db.Model.FindEntityType(typeof(OutgoingMessage))!;
        _table = StoreObjectIdentifier.Table(_entity.GetTableName()!, _entity.GetSchema());
        _sql = db.GetService<ISqlGenerationHelper>();
        _factory = db.Database.GetDbConnection().CreateCommand();
    }

    public StringBuilder Text { get; } = new();

    public List<DbParameter> Parameters { get; } = [];

    public string Table => _sql.DelimitIdentifier(_table.Name, _table.Schema);

    public string Column(string property) => _sql.DelimitIdentifier(_entity.FindProperty(property)!.GetColumnName(_table)!);

    /// <summary>A parameter for <paramref name="value"/>, typed and converted like the column of <paramref name="property"/>.</summary>
    public string Parameter(string property, string name, object? value)
    {
        var parameterName = _sql.GenerateParameterName(name);
        Parameters.Add(_entity.FindProperty(property)!.GetRelationalTypeMapping().CreateParameter(_factory, parameterName, value, nullable: true));
        return parameterName;
    }

    /// <summary>The statement as a command on <paramref name="db"/>'s connection, in its current transaction.</summary>
    public DbCommand Command(MadoguchiDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Text.ToString();
        command.Parameters.AddRange(Parameters.ToArray());
        return command;
    }
}
