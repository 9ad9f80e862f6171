namespace CreatorChat.ServiceDefaults.Data;

public static class HealthTags
{
    /// <summary>Checks that decide readiness (<c>/health</c>).</summary>
    public const string Ready = "ready";

    /// <summary>Checks that decide liveness (<c>/alive</c>): only "the process works".</summary>
    public const string Live = "live";
}
