using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>Kubernetes' label-matching rules for the two selector shapes.</summary>
internal static class LabelSelectors
{
    /// <summary>A LabelSelector (matchLabels + matchExpressions) matches the labels; an empty selector matches everything, a missing one nothing.</summary>
    public static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }

        if (!(selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))
        {
            return false;
        }

        return (selector.MatchExpressions ?? []).All(expression =>
        {
            var values = expression.Values ?? [];
            var has = labels.TryGetValue(expression.Key, out var value);
            return expression.OperatorProperty switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
        });
    }

    /// <summary>A Service's plain selector map matches the labels (a missing or empty selector matches nothing).</summary>
    public static bool SelectsMap(IDictionary<string, string>? selector, IDictionary<string, string> labels) =>
        selector is { Count: > 0 } && selector.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
