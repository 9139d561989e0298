using System.Security.Principal;
using System.Web.Mvc;
using System.Web.Mvc.Filters;
using System.Web.Security;

namespace Matomo.Mvc5.Sample.Filters
{
    /// <summary>
    /// Gives a signed-in visitor the roles that their forms ticket carries (the staff sign-in puts Administrators
    /// there), so that <c>User.IsInRole</c>, and with it <c>matomo:ExcludedRoles</c>, see them. Registered as a global
    /// filter in Global.asax.cs. A real site has its role provider or ASP.NET Identity for this.
    /// </summary>
    public sealed class SampleRolesFilter : IAuthenticationFilter
    {
        public void OnAuthentication(AuthenticationContext filterContext)
        {
            if (filterContext.Principal?.Identity is FormsIdentity identity && !string.IsNullOrEmpty(identity.Ticket.UserData))
                filterContext.Principal = new GenericPrincipal(identity, identity.Ticket.UserData.Split(','));
        }

        public void OnAuthenticationChallenge(AuthenticationChallengeContext filterContext) { }
    }
}
