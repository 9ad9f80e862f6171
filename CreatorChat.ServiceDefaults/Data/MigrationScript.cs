using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>One versioned schema change: an embedded <c>Migrations/NNNN_description.sql</c> file.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    public static IReadOnlyList<MigrationScript> Discover(Assembly assembly)
    {
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            const string marker = ".Migrations.";
            var at = resource.LastIndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = resource[(at + marker.Length)..^4];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new MigrationScript(version, fileName[(underscore + 1)..], reader.ReadToEnd()));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }
}
