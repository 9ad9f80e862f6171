using CreatorChat.Creator.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Creator.Infrastructure;

public sealed class CreatorRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string Columns =
        "id AS Id, slug AS Slug, name AS Name, specialty AS Specialty, description AS Description, " +
        "avatar_url AS AvatarUrl, persona AS Persona, owner_id AS OwnerId, is_active AS IsActive, video_count AS VideoCount, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    public async Task<IReadOnlyList<Model.Creator>> ListActiveAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Model.Creator>(new CommandDefinition(
            $"SELECT {Columns} FROM creators WHERE is_active AND (@After::text IS NULL OR slug > @After) ORDER BY slug LIMIT @Limit",
            new { After = after, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<long> CountActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM creators WHERE is_active", cancellationToken: cancellationToken));
    }

    public async Task<Model.Creator?> FindActiveAsync(string slug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Model.Creator>(new CommandDefinition(
            $"SELECT {Columns} FROM creators WHERE slug = @Slug AND is_active",
            new { Slug = slug }, cancellationToken: cancellationToken));
    }

    /// <returns>The new creator, or null when the slug is taken (also by a deleted creator).</returns>
    public async Task<Model.Creator?> CreateAsync(CreateCreatorRequest request, Guid? ownerId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Model.Creator>(new CommandDefinition(
            $"""
            INSERT INTO creators (id, slug, name, specialty, description, avatar_url, persona, owner_id, is_active, created_at, updated_at)
            VALUES (@Id, @Slug, @Name, @Specialty, @Description, @AvatarUrl, @Persona, @OwnerId, true, @Now, @Now)
            ON CONFLICT (slug) DO NOTHING
            RETURNING {Columns}
            """,
            new
            {
                Id = Guid.CreateVersion7(now),
                Slug = request.Slug,
                Name = request.Name!.Trim(),
                Specialty = CreatorValidation.Normalize(request.Specialty),
                Description = CreatorValidation.Normalize(request.Description),
                AvatarUrl = CreatorValidation.Normalize(request.AvatarUrl),
                Persona = CreatorValidation.Normalize(request.Persona),
                OwnerId = ownerId,
                Now = now,
            },
            cancellationToken: cancellationToken));
    }

    public async Task<Model.Creator?> UpdateAsync(string slug, CreatorPatch patch, CancellationToken cancellationToken)
    {
        // COALESCE keeps a column when its field is absent; the Set* flags let an explicit null clear it.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Model.Creator>(new CommandDefinition(
            $"""
            UPDATE creators SET
                name        = CASE WHEN @SetName THEN @Name ELSE name END,
                specialty   = CASE WHEN @SetSpecialty THEN @Specialty ELSE specialty END,
                description = CASE WHEN @SetDescription THEN @Description ELSE description END,
                avatar_url  = CASE WHEN @SetAvatarUrl THEN @AvatarUrl ELSE avatar_url END,
                persona     = CASE WHEN @SetPersona THEN @Persona ELSE persona END,
                updated_at  = @Now
            WHERE slug = @Slug AND is_active
            RETURNING {Columns}
            """,
            new
            {
                Slug = slug,
                SetName = patch.Name is not null,
                Name = patch.Name?.Value?.Trim(),
                SetSpecialty = patch.Specialty is not null,
                Specialty = CreatorValidation.Normalize(patch.Specialty?.Value),
                SetDescription = patch.Description is not null,
                Description = CreatorValidation.Normalize(patch.Description?.Value),
                SetAvatarUrl = patch.AvatarUrl is not null,
                AvatarUrl = CreatorValidation.Normalize(patch.AvatarUrl?.Value),
                SetPersona = patch.Persona is not null,
                Persona = CreatorValidation.Normalize(patch.Persona?.Value),
                Now = timeProvider.GetUtcNow(),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records the retrieval service's video count if <paramref name="knowledgeVersion"/> is newer than the one
    /// stored (reports may arrive late, twice or out of order). False when there is no such creator.
    /// </summary>
    public async Task<bool> ReportKnowledgeAsync(string slug, int videoCount, long knowledgeVersion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH updated AS (
                UPDATE creators SET video_count = @VideoCount, knowledge_version = @KnowledgeVersion
                WHERE slug = @Slug AND knowledge_version < @KnowledgeVersion
            )
            SELECT EXISTS (SELECT 1 FROM creators WHERE slug = @Slug)
            """,
            new { Slug = slug, VideoCount = videoCount, KnowledgeVersion = knowledgeVersion }, cancellationToken: cancellationToken));
        return exists;
    }

    /// <summary>
    /// Deactivates rather than deletes: the slug stays reserved, so nobody can take over a deleted
    /// creator's handle and, with it, the links and conversations that point at it.
    /// </summary>
    public async Task<bool> DeactivateAsync(string slug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE creators SET is_active = false, updated_at = @Now WHERE slug = @Slug AND is_active",
            new { Slug = slug, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return affected > 0;
    }
}
