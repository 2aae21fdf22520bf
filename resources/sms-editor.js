// Editor helpers shared by the sms in and sms status edit dialogs, served by Node-RED from
// this package's resources/ folder. Both dialogs load it: defined once, kept idempotent.
(function () {
  if (window.SmsEditor) return;
  function normalizePath(path) {
    var p = String(path || '').trim().replace(/\/{2,}/g, '/');
    if (!p) return '';
    if (p[0] !== '/') p = '/' + p;
    return p.length > 1 ? p.replace(/\/$/, '') : p;
  }

  // Other enabled nodes on the same HTTP path: only one of them would get the requests.
  function nodesOnPath(nodeId, path) {
    var p = normalizePath(path);
    var found = [];
    if (!p) return found;
    RED.nodes.eachNode(function (n) {
      if (n.id === nodeId || n.d) return;
      var other = n.type === 'http in' ? n.url : (n.type === 'sms in' || n.type === 'sms status') ? n.path : undefined;
      if (other !== undefined && normalizePath(other) === p) found.push(n.name || n.type + ' ' + normalizePath(other));
    });
    return found;
  }

  // Only the providers the chosen account can vouch for.
  function limitProviders(accountId) {
    var account = accountId && accountId !== '_ADD_' ? RED.nodes.node(accountId) : null;
    var provider = account && account.provider;
    $('#node-input-provider option').each(function () {
      var value = $(this).val();
      var fits = value === 'auto' || !provider || (provider === 'twilio' ? value === 'twilio' : value !== 'twilio');
      $(this).prop('disabled', !fits);
    });
    if ($('#node-input-provider option:selected').prop('disabled')) $('#node-input-provider').val('auto');
  }
  // The full URL the provider should call: the account's public URL, or this editor's
  // origin, then httpNodeRoot, then the path.
  function endpointUrl(path, accountId) {
    var root = RED.settings.httpNodeRoot || '/';
    var p = (path || '').trim();
    if (p && p[0] !== '/') p = '/' + p;
    var full = (root.replace(/\/$/, '') + p) || '/';
    var account = accountId && RED.nodes.node(accountId);
    var base = account && account.publicUrl ? account.publicUrl.replace(/\/+$/, '') : location.protocol + '//' + location.host;
    return base + full;
  }

  window.SmsEditor = {
    normalizePath: normalizePath,
    nodesOnPath: nodesOnPath,
    limitProviders: limitProviders,
    endpointUrl: endpointUrl,
  };
})();
