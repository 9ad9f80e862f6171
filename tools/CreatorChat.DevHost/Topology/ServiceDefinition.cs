namespace CreatorChat.DevHost.Topology;

/// <summary>One service of the platform as the AppHost declares it.</summary>
/// <param name="Name">Aspire resource name, also the DNS name in Kubernetes.</param>
/// <param name="Project">Folder under <c>services/</c>; the project is <c>CreatorChat.{Project}</c>.</param>
/// <param name="Databases">Postgres databases referenced (<c>ConnectionStrings__{name}</c>).</param>
/// <param name="References">Other services it calls (<c>services__{name}__http__N</c>).</param>
public sealed record ServiceDefinition(string Name, string Project, int DefaultPort, string[] Databases, string[] References)
{
    public string AssemblyName => $"CreatorChat.{Project}";
}
