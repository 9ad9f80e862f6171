using Xunit.Sdk;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>
/// Put on a test class whose inherited tests must be skipped unless an environment variable is set (the
/// shared vector-store suite against a real Qdrant: <c>QDRANT_URL</c>). xunit 2 decides skipping at
/// discovery, from the test method's attribute, which an abstract base class shares with every
/// subclass; <see cref="SuiteFactAttribute"/> asks this attribute of the concrete class instead.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SkipUnlessEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

/// <summary>A fact of a shared suite; skipped, with the reason, when the concrete class's <see cref="SkipUnlessEnvironmentAttribute"/> variable is unset.</summary>
[XunitTestCaseDiscoverer("CreatorChat.Retrieval.Tests.Support.SuiteFactDiscoverer", "CreatorChat.Retrieval.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SuiteFactAttribute : FactAttribute;

public sealed class SuiteFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(SkipUnlessEnvironmentAttribute)).FirstOrDefault();
        var variable = requirement?.GetConstructorArguments().FirstOrDefault() as string;
        var reason = variable is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable))
            ? $"Skipped: set {variable} to run this suite against a real server"
            : null;
        yield return new SuiteTestCase(
            diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
    }
}

public sealed class SuiteTestCase : XunitTestCase
{
    private string? _reason;

    [Obsolete("For deserialization only")]
    public SuiteTestCase()
    {
    }

    public SuiteTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? reason)
        : base(sink, display, options, method) => _reason = reason;

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _reason ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipUnless", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string?>("SkipUnless");
        base.Deserialize(data);
    }
}
