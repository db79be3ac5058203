using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

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
            var options = new DbContextOptionsBuilder<MadoguchiDbContext>();
            DataServiceCollectionExtensions.Configure(options,
                new DatabaseOptions { Provider = provider, ConnectionString = database.ConnectionString },
                new StorageLocationOptions { DataDirectory = database.DataDirectory });
            await using var context = new MadoguchiDbContext(options.Options);

            Assert.NotEmpty(context.Database.GetMigrations());
            Assert.False(context.Database.HasPendingModelChanges(),
                $"The {provider} migrations are behind the model: run dotnet-ef migrations add for {provider}.");
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }
    }
}
