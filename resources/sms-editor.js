// The editor implementation shared by the sms in and sms status nodes (their settings,
// dialog, URL preview and provider choices), served by Node-RED from this package's
// resources/ folder. Both nodes load it: defined once, kept idempotent.
(function () {
  if (window.SmsEditor) return;

  // What the dialogs need to know of each provider (the kind of account that vouches for
  // it, and whether a reply goes back in the webhook's answer, so "Reply within" applies),
  // as the runtime's provider modules say it: exported by the sms account node type.
  var PROVIDERS = RED.settings.smsAccountProviders || {};

  function repliesInAnswer(setting) {
    return setting === 'auto' ? Object.keys(PROVIDERS).some(repliesInAnswer) : !!(PROVIDERS[setting] && PROVIDERS[setting].repliesInAnswer);
  }
  function normalizePath(path) {
    var p = String(path || '').trim().replace(/\/{2,}/g, '/');
    if (!p) return '';
    if (p[0] !== '/') p = '/' + p;
    return p.length > 1 ? p.replace(/\/$/, '') : p;
  }

  function tabName(z) {
    var tab = z && RED.nodes.workspace(z);
    return tab ? tab.label || tab.id : '';
  }

  // Other enabled nodes on the same HTTP path: only one of them would get the requests.
  function nodesOnPath(nodeId, path) {
    var p = normalizePath(path);
    var found = [];
    if (!p) return found;
    RED.nodes.eachNode(function (n) {
      if (n.id === nodeId || n.d) return;
      var other = n.type === 'http in' ? n.url : (n.type === 'sms in' || n.type === 'sms status') ? n.path : undefined;
      if (other === undefined || normalizePath(other) !== p) return;
      var what = n.name || n.type + ' ' + normalizePath(other);
      var tab = tabName(n.z);
      found.push(tab ? what + ' (tab "' + tab + '")' : what);
    });
    return found;
  }

  function accountNode(accountId) {
    return accountId && accountId !== '_ADD_' ? RED.nodes.node(accountId) : null;
  }

  function fits(provider, account) {
    var needs = PROVIDERS[provider] && PROVIDERS[provider].account;
    return !account || !account.provider || !needs || needs === account.provider;
  }

  // Only the providers the chosen account can vouch for can be picked. A provider saved
  // with another account stays selected, so the dialog can say what is wrong (see mismatch).
  function limitProviders(accountId) {
    var account = accountNode(accountId);
    $('#node-input-provider option').each(function () {
      $(this).prop('disabled', !fits($(this).val(), account) && !this.selected);
    });
  }

  // Whether a node's saved account and provider disagree (for the node's validation).
  function mismatched(accountId, provider) {
    return !fits(provider, accountNode(accountId));
  }

  // The sentence saying that the account and the provider disagree, or ''.
  function mismatch(node, prefix, accountId, provider) {
    var account = accountNode(accountId);
    if (fits(provider, account)) return '';
    var option = function (value) { return $('#node-input-provider option[value="' + value + '"]').text() || value; };
    var suitable = Object.keys(PROVIDERS).filter(function (p) { return fits(p, account); }).map(option);
    var kind = node._(prefix + '.accountKind.' + account.provider);
    return node._(prefix + '.tip.mismatch', { account: account.name || kind, accountKind: kind, provider: option(provider), fits: suitable.join(' or ') });
  }

  // The account's Public URL as the runtime uses it: scheme, host and port; a path is dropped.
  function publicOrigin(value) {
    var m = /^(https?:\/\/[^/?#\s]+)(.*)$/i.exec(String(value || '').trim());
    return m ? { origin: m[1], path: m[2] === '/' ? '' : m[2] } : undefined;
  }

  // The full URL the provider should call, as the runtime assembles it (runtime/public-url.ts):
  // `origin` (the account's public URL) or this editor's, then httpNodeRoot, then the path
  // normalized as the node does (`sms//in/` listens on /sms/in).
  function endpointUrl(path, origin) {
    var root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot : '/';
    var base = (origin || location.protocol + '//' + location.host).replace(/\/+$/, '');
    return base + root.replace(/\/+$/, '') + (normalizePath(path) || '/');
  }

  // The URL for a node using this account (its Public URL, without a path) or none.
  function accountUrl(path, accountId) {
    var account = accountNode(accountId);
    var publicUrl = account && publicOrigin(account.publicUrl);
    return endpointUrl(path, publicUrl && publicUrl.origin);
  }

  // An address only this computer or its network can reach: loopback, private ranges,
  // link-local, .local names, or a bare host name without a domain.
  function isLocalUrl(url) {
    var host;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return false;
    }
    if (host[0] === '[') host = host.slice(1, -1);
    if (host === 'localhost' || /\.(localhost|local|lan|home|internal)$/.test(host) || host === '0.0.0.0') return true;
    if (/^(127\.|10\.|192\.168\.|169\.254\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host)) return true;
    if (host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host)) return true;
    return host.indexOf('.') < 0 && host.indexOf(':') < 0;
  }

  // The form both dialogs show; `prefix` (sms-in, sms-status) names their ids and labels,
  // `rows` is the node's own part, placed after the URL.
  function endpointTemplate(prefix, rows) {
    var label = function (key) { return '<span data-i18n="' + prefix + '.label.' + key + '"></span>'; };
    var providers = ['auto'].concat(Object.keys(PROVIDERS)).map(function (p) {
      return '<option value="' + p + '" data-i18n="' + prefix + '.provider.' + p + '"></option>';
    });
    return [
      '<div class="form-row">',
      '  <label for="node-input-account"><i class="fa fa-id-badge"></i> ' + label('account') + '</label>',
      '  <input type="text" id="node-input-account">',
      '</div>',
      '<div class="form-tips" id="' + prefix + '-no-account" data-i18n="' + prefix + '.tip.noAccount" style="display:none"></div>',
      '<div class="form-row">',
      '  <label for="node-input-provider"><i class="fa fa-cloud"></i> ' + label('provider') + '</label>',
      '  <select id="node-input-provider" style="width:70%">' + providers.join('') + '</select>',
      '</div>',
      '<div class="form-tips" id="' + prefix + '-mismatch" style="display:none; border-color:#d6615e; background:#fbeaea"></div>',
      '<div class="form-row">',
      '  <label for="node-input-path"><i class="fa fa-globe"></i> ' + label('path') + '</label>',
      '  <input type="text" id="node-input-path" data-i18n="[placeholder]' + prefix + '.placeholder.path">',
      '</div>',
      '<div class="form-row">',
      '  <label><i class="fa fa-link"></i> ' + label('url') + '</label>',
      '  <code id="' + prefix + '-url" style="white-space:normal; word-break:break-all"></code>',
      '  <a href="#" id="' + prefix + '-copy" class="red-ui-button red-ui-button-small"><i class="fa fa-clipboard"></i></a>',
      '</div>',
      '<div class="form-tips" id="' + prefix + '-local" data-i18n="' + prefix + '.tip.local" style="display:none; border-color:#d6a05e; background:#fbf3e6"></div>',
      '<div class="form-tips" id="' + prefix + '-shared-path" style="display:none; border-color:#d6615e; background:#fbeaea"></div>',
      '<div class="form-tips" data-i18n="' + prefix + '.tip.url"></div>',
      rows,
      '<div class="form-row">',
      '  <label for="node-input-name"><i class="fa fa-tag"></i> ' + label('name') + '</label>',
      '  <input type="text" id="node-input-name">',
      '</div>',
    ].join('\n');
  }

  /**
   * Registers an endpoint node type: `spec` gives its prefix, default path, own `defaults`,
   * `rows` (HTML), `outputLabels`, and `refresh(node)` run whenever a setting changes.
   */
  function registerEndpoint(type, spec) {
    var prefix = spec.prefix;
    var template = document.createElement('script');
    template.type = 'text/html';
    template.setAttribute('data-template-name', type);
    template.textContent = endpointTemplate(prefix, spec.rows);
    document.body.appendChild(template);

    var defaults = {
      name: { value: '' },
      account: { value: '', type: 'sms account', required: false },
      // An account of another provider would refuse every request: the node is marked invalid.
      provider: { value: 'auto', validate: function (v) { return !mismatched(this && this.account, v); } },
      path: { value: spec.path, required: true, validate: function (v) { return typeof v === 'string' && v.trim().length > 0; } },
    };
    Object.keys(spec.defaults).forEach(function (key) { defaults[key] = spec.defaults[key]; });

    RED.nodes.registerType(type, {
      category: 'sms',
      color: '#f4b183',
      defaults: defaults,
      inputs: 0,
      outputs: 1,
      icon: 'sms.svg',
      paletteLabel: type,
      label: function () {
        return this.name || type + ' ' + (this.path || '');
      },
      labelStyle: function () {
        return this.name ? 'node_label_italic' : '';
      },
      outputLabels: spec.outputLabels,
      oneditprepare: function () {
        var node = this;
        function refresh() {
          var account = $('#node-input-account').val();
          var accountId = account === '_ADD_' ? '' : account;
          limitProviders(accountId);
          var url = accountUrl($('#node-input-path').val(), accountId);
          $('#' + prefix + '-url').text(url);
          $('#' + prefix + '-local').toggle(isLocalUrl(url));
          $('#' + prefix + '-no-account').toggle(!accountId);
          var wrong = mismatch(node, prefix, accountId, $('#node-input-provider').val());
          $('#' + prefix + '-mismatch').text(wrong).toggle(!!wrong);
          var shared = nodesOnPath(node.id, $('#node-input-path').val());
          $('#' + prefix + '-shared-path').text(node._(prefix + '.tip.sharedPath', { nodes: shared.join(', ') })).toggle(shared.length > 0);
          if (spec.refresh) spec.refresh(node);
        }
        $('#node-input-path, #node-input-provider, #node-input-account').on('change keyup input', refresh);
        $('#' + prefix + '-copy').on('click', function (e) {
          e.preventDefault();
          RED.clipboard.copyText($('#' + prefix + '-url').text(), $(this), 'clipboard.copyMessageValue');
        });
        refresh();
      },
    });
  }

  window.SmsEditor = {
    registerEndpoint: registerEndpoint,
    publicOrigin: publicOrigin,
    endpointUrl: endpointUrl,
    repliesInAnswer: repliesInAnswer,
  };
})();
