using System.Reflection;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Madoguchi.Core.Data;

/// <summary>The model precompiled for each database (<c>dotnet ef dbcontext optimize</c>, kept in the provider's migrations
/// assembly under CompiledModel/): building it from <c>OnModelCreating</c> cost ~0.5 CPU s of every start (bench/README.md,
/// "Compiled model"). <c>ModelTests</c> fails when it no longer matches the model the code describes; README.md, "Changing
/// the data model", says how to generate it again.</summary>
public static class CompiledModels
{
    private static readonly Lazy<IModel?> Sqlite = new(() => Load(DataServiceCollectionExtensions.SqliteMigrationsAssembly));
    private static readonly Lazy<IModel?> Postgres = new(() => Load(DataServiceCollectionExtensions.PostgresMigrationsAssembly));

    /// <summary>The compiled model of <paramref name="provider"/>, or null where its assembly is not deployed (the model is
    /// then built at start, as before).</summary>
    public static IModel? For(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres.Value : Sqlite.Value;

    private static IModel? Load(string assemblyName)
    {
        try
        {
            var type = Assembly.Load(assemblyName).GetType($"{assemblyName}.CompiledModel.MadoguchiDbContextModel");
            return type?.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IModel;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
