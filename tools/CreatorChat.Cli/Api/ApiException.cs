using System.Net;

namespace CreatorChat.Cli.Api;

/// <summary>The platform answered with an error; <see cref="Message"/> is the one line the user sees.</summary>
public sealed class ApiException(HttpStatusCode status, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public HttpStatusCode Status => status;

    /// <summary>When a 429 says to try again.</summary>
    public TimeSpan? RetryAfter => retryAfter;
}

/// <summary>No usable session: never signed in, signed out, or the refresh token no longer works.</summary>
public sealed class NotSignedInException(string message) : Exception(message);

/// <summary>The URL answers, but not like a CreatorChat gateway.</summary>
public sealed class NotAGatewayException(string message) : Exception(message);
