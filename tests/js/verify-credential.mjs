// Verify credentials with Digital Bazaar's implementation of W3C Verifiable Credentials 2.0,
// Data Integrity eddsa-rdfc-2022 and Bitstring Status List, which nobody here wrote.
//
//   node tests/js/verify-credential.mjs DOCUMENTS.json NOW CREDENTIAL.json...
//
// DOCUMENTS.json maps each URL the verifier may need (our pinned JSON-LD contexts, the DID
// document, the status-list credential) to its JSON; the DID and Multikey contexts come from
// their npm packages. Nothing is fetched from the network: any other URL is an error.
// Prints one JSON line per credential: {file, verified, revoked, error}. `revoked` is the
// status bit read from the signed list (null when there is none or it could not be read).
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import didContext from 'did-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const [documentsFile, now, ...files] = process.argv.slice(2);
const documents = JSON.parse(readFileSync(documentsFile, 'utf8'));
const known = new Map(Object.entries(documents));
known.set(didContext.CONTEXT_URL, didContext.CONTEXT);
known.set(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);

async function documentLoader(url) {
  if(known.has(url)) {
    return {contextUrl: null, documentUrl: url, document: known.get(url)};
  }
  const [did, fragment] = url.split('#');
  if(fragment && did.startsWith('did:web:') && known.has(did)) {
    const method = known.get(did).verificationMethod.find(m => m.id === url);
    if(method) {
      const document = {'@context': multikeyContext.CONTEXT_URL, ...method};
      return {contextUrl: null, documentUrl: url, document};
    }
  }
  throw new Error(`not available offline: ${url}`);
}

function firstError(error) {
  if(!error) {
    return '';
  }
  const inner = error.errors && error.errors[0];
  return String((inner && inner.message) || error.message || error);
}

const published = vcContexts.get('https://www.w3.org/ns/credentials/v2');
const pinned = known.get('https://www.w3.org/ns/credentials/v2');
if(JSON.stringify(published) !== JSON.stringify(pinned)) {
  console.log(JSON.stringify({file: 'contexts', verified: false,
    error: 'the pinned VC 2.0 context differs from @digitalbazaar/credentials-context'}));
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
for(const file of files) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  let line;
  try {
    const result = await vc.verifyCredential(
      {credential, suite, documentLoader, checkStatus, now});
    const status = result.statusResult && result.statusResult.results &&
      result.statusResult.results[0];
    line = {
      file, verified: result.verified,
      revoked: status && status.verified ? status.status : null,
      error: firstError(result.error) ||
        firstError(result.statusResult && result.statusResult.error)
    };
  } catch(error) {
    line = {file, verified: false, revoked: null, error: firstError(error)};
  }
  console.log(JSON.stringify(line));
}
