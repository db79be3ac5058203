using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Madoguchi.Migrations.Sqlite;

/// <summary>Lets `dotnet ef` build the model for this provider without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<MadoguchiDbContext>
{
    public MadoguchiDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MadoguchiDbContext>();
        DataServiceCollectionExtensions.Configure(options,
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design.db" },
            new StorageLocationOptions(), compiledModel: false);
        return new MadoguchiDbContext(options.Options);
    }
}
