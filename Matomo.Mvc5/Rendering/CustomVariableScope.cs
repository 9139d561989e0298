namespace Matomo.Mvc5
{
    /// <summary>The scope of a Matomo custom variable.</summary>
    public enum CustomVariableScope
    {
        /// <summary>The variable belongs to the page view (the default).</summary>
        Page,
        /// <summary>The variable belongs to the whole visit.</summary>
        Visit,
    }
}
