using System.Globalization;
using System.Text;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Madoguchi.IntegrationTests.Data;

public sealed class ModelTests
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migrations_HaveNoPendingModelChanges(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        try
        {
            await using var context = database.NewContext(compiledModel: false);

            Assert.NotEmpty(context.Database.GetMigrations());
            Assert.False(context.Database.HasPendingModelChanges(),
                $"The {provider} migrations are behind the model: run dotnet-ef migrations add for {provider}.");
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }
    }

    /// <summary>The model precompiled for each database (<see cref="CompiledModels"/>) is the one the code describes:
    /// same tables, columns, types, keys, indexes and relations, and the same entity types, properties and conversions.</summary>
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void CompiledModel_MatchesTheModelBuiltFromTheCode(DatabaseProvider provider)
    {
        var compiled = CompiledModels.For(provider);
        Assert.NotNull(compiled);
        using var built = Context(provider, compiledModel: false);
        using var usingCompiled = Context(provider, compiledModel: true);
        Assert.Same(compiled, usingCompiled.Model);

        var regenerate = $"The compiled {provider} model is behind the code: generate it again (README.md, \"Changing the data model\").";
        Assert.True(built.Model.ToDebugString(MetadataDebugStringOptions.LongDefault) == compiled.ToDebugString(MetadataDebugStringOptions.LongDefault), regenerate);
        Assert.True(Tables(built.Model) == Tables(compiled), regenerate);
    }

    /// <summary>The tables as the queries see them: columns with store types and nullability, keys, indexes, relations.</summary>
    private static string Tables(IModel model)
    {
        var text = new StringBuilder();
        foreach (var table in model.GetRelationalModel().Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            text.AppendLine(table.Name);
            foreach (var column in table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
                text.AppendLine(CultureInfo.InvariantCulture, $"  {column.Name} {column.StoreType} {(column.IsNullable ? "null" : "not null")}");
            foreach (var key in table.UniqueConstraints.OrderBy(k => k.Name, StringComparer.Ordinal))
                text.AppendLine(CultureInfo.InvariantCulture, $"  key {key.Name} ({string.Join(", ", key.Columns.Select(c => c.Name))})");
            foreach (var index in table.Indexes.OrderBy(i => i.Name, StringComparer.Ordinal))
                text.AppendLine(CultureInfo.InvariantCulture, $"  index {index.Name} ({string.Join(", ", index.Columns.Select(c => c.Name))}) {(index.IsUnique ? "unique" : "")} {index.Filter}");
            foreach (var relation in table.ForeignKeyConstraints.OrderBy(f => f.Name, StringComparer.Ordinal))
                text.AppendLine(CultureInfo.InvariantCulture, $"  references {relation.Name} {relation.PrincipalTable.Name} {relation.OnDeleteAction}");
        }
        return text.ToString();
    }

    // No connection is opened: the model alone is compared.
    private static MadoguchiDbContext Context(DatabaseProvider provider, bool compiledModel) =>
        new TestDatabase(provider, provider == DatabaseProvider.Postgres ? "Host=127.0.0.1;Database=unused" : "Data Source=:memory:", "").NewContext(compiledModel);
}
