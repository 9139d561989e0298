<%@ Application Codebehind="Global.asax.cs" Inherits="Matomo.Mvc5.Sample.MvcApplication" Language="C#" %>
